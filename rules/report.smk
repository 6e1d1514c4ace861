# What `snakemake --report report.html` shows: per episode (the report's category is the slug),
# pages and pictures made from the episode's files. Small local jobs; the work is in
# showrunner.report (see showrunner/stages/report.py).


localrules:
    report_outline,
    report_script,
    contact_sheet,
    loudness_plot,
    player,
    report_acceptance,
    report_cost,


wildcard_constraints:
    medium="final|podcast",


rule report_outline:
    input:
        outline="results/{slug}/outline.json",
        markdown="results/{slug}/outline.md",
    output:
        page=report(
            "results/{slug}/report/outline.html",
            caption="../report/outline.rst",
            category="{slug}",
            subcategory="1 Outline",
        ),
    params:
        settings=settings_for("report_outline"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_outline/{slug}.log",
    script:
        "../scripts/report.py"


rule report_script:
    input:
        script="results/{slug}/script.json",
        review="results/{slug}/script.review.json",
        outline="results/{slug}/outline.json",
    output:
        page=report(
            "results/{slug}/report/script.html",
            caption="../report/script.rst",
            category="{slug}",
            subcategory="2 Script",
        ),
    params:
        settings=settings_for("report_script"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_script/{slug}.log",
    script:
        "../scripts/report.py"


rule contact_sheet:
    input:
        storyboard="results/{slug}/storyboard.json",
        images=scene_files("results/{slug}/media/{scene}/image.png"),
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
        "../scripts/report.py"


# {medium}: final (the video's soundtrack, marked by scene) or podcast (marked by chapter)
rule loudness_plot:
    input:
        media=get_medium,
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
    output:
        plot=report(
            "results/{slug}/report/loudness-{medium}.png",
            caption="../report/loudness.rst",
            category="{slug}",
            subcategory="4 Video and podcast",
        ),
    params:
        settings=settings_for("loudness_plot"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/loudness_plot/{slug}/{medium}.log",
    script:
        "../scripts/report.py"


rule player:
    input:
        media=get_medium,
    output:
        page=report(
            "results/{slug}/report/{medium}.html",
            caption="../report/player.rst",
            category="{slug}",
            subcategory="4 Video and podcast",
        ),
    params:
        settings=settings_for("player"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/player/{slug}/{medium}.log",
    script:
        "../scripts/report.py"


rule report_acceptance:
    input:
        acceptance="results/{slug}/acceptance.json",
    output:
        page=report(
            "results/{slug}/report/acceptance.html",
            caption="../report/acceptance.rst",
            category="{slug}",
            subcategory="5 Acceptance",
        ),
    params:
        settings=settings_for("report_acceptance"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_acceptance/{slug}.log",
    script:
        "../scripts/report.py"


rule report_cost:
    input:
        provenance=get_cost_inputs,
    output:
        page=report(
            "results/{slug}/report/cost.html",
            caption="../report/cost.rst",
            category="{slug}",
            subcategory="6 Cost",
        ),
    params:
        settings=settings_for("report_cost"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/report_cost/{slug}.log",
    script:
        "../scripts/report.py"
