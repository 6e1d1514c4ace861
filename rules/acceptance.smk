# The report is always written (this rule succeeds once it has measured), so a failure never
# costs the report it points to; acceptance_verdict then fails when a hard check failed. The
# verdict also waits for the scene critic (storyboard.review.json), whose score it reports.
rule acceptance:
    input:
        video="results/{slug}/final.mp4",
        podcast="results/{slug}/podcast.mp3",
        srt="results/{slug}/captions.srt",
        storyboard="results/{slug}/storyboard.json",
        outline="results/{slug}/outline.json",
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        clips=scene_files("results/{slug}/media/{scene}/clip.mp4"),
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        transcript="results/{slug}/transcript.json",
    output:
        json="results/{slug}/acceptance.json",
        markdown=report("results/{slug}/acceptance.md", caption="../report/acceptance.rst", category="Episode"),
    params:
        settings=settings_for("acceptance"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/acceptance/{slug}.log",
    benchmark:
        "benchmarks/acceptance/{slug}.tsv"
    script:
        "../scripts/acceptance.py"


rule acceptance_verdict:
    input:
        json="results/{slug}/acceptance.json",
        markdown="results/{slug}/acceptance.md",
        review="results/{slug}/storyboard.review.json",
    output:
        flag="results/{slug}/accepted.flag",
    params:
        settings=settings_for("acceptance_verdict"),
    localrule: True
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/acceptance_verdict/{slug}.log",
    script:
        "../scripts/acceptance_verdict.py"
