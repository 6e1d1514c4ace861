# What `snakemake --report report.html` shows: per episode (the report's category is the slug),
# pages and pictures made from the episode's files. Three small local jobs per episode (and one
# per medium), not one per page: planning 100 episodes costs Snakemake time for every job in the
# DAG (bench/batch.py). The work is in showrunner.report (see showrunner/stages/report_*.py, contact_sheet.py).


localrules:
    report_pages,
    report_medium,
    contact_sheet,


wildcard_constraints:
    medium="final|podcast",


rule report_pages:
    input:
        outline="results/{slug}/outline.json",
        markdown="results/{slug}/outline.md",
        script="results/{slug}/script.json",
        review="results/{slug}/script.review.json",
        acceptance="results/{slug}/acceptance.json",
        provenance=get_cost_inputs,
    output:
        outline=report(
            "results/{slug}/report/outline.html",
            caption="../report/outline.rst",
            category="{slug}",
            subcategory="1 Outline",
        ),
        script=report(
            "results/{slug}/report/script.html",
            caption="../report/script.rst",
            category="{slug}",
            subcategory="2 Script",
        ),
        acceptance=report(
            "results/{slug}/report/acceptance.html",
            caption="../report/acceptance.rst",
            category="{slug}",
            subcategory="5 Acceptance",
        ),
        cost=report(
            "results/{slug}/report/cost.html",
            caption="../report/cost.rst",
            category="{slug}",
            subcategory="6 Cost",
        ),
    params:
        settings=settings_for("report_pages"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_pages/{slug}.log",
    script:
        "../scripts/report_pages.py"


rule contact_sheet:
    input:
        storyboard="results/{slug}/storyboard.json",
        beats=scene_files("results/{slug}/media/{scene}/beats"),
    output:
        sheet=report(
            "results/{slug}/report/storyboard.png",
            caption="../report/storyboard.rst",
            category="{slug}",
            subcategory="3 Storyboard",
        ),
    params:
        settings=settings_for("contact_sheet"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/contact_sheet/{slug}.log",
    script:
        "../scripts/contact_sheet.py"


# {medium}: final (the video; its soundtrack's loudness marked by scene) or podcast (by chapter)
rule report_medium:
    input:
        media=get_medium,
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
    output:
        page=report(
            "results/{slug}/report/{medium}.html",
            caption="../report/player.rst",
            category="{slug}",
            subcategory="4 Video and podcast",
        ),
        plot=report(
            "results/{slug}/report/loudness-{medium}.png",
            caption="../report/loudness.rst",
            category="{slug}",
            subcategory="4 Video and podcast",
        ),
    params:
        settings=settings_for("report_medium"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_medium/{slug}/{medium}.log",
    script:
        "../scripts/report_medium.py"
