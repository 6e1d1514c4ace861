rule captions:
    input:
        storyboard="results/{slug}/storyboard.json",
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
    output:
        srt="results/{slug}/captions.srt",
        vtt="results/{slug}/captions.vtt",
    params:
        settings=settings_for("captions"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/captions/{slug}.log",
    benchmark:
        "benchmarks/captions/{slug}.tsv"
    script:
        "../scripts/captions.py"
