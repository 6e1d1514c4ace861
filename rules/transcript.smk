# What an offline recogniser hears in the narration (for acceptance), beside the podcast.


rule transcript:
    input:
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
    output:
        transcript="results/{slug}/transcript.json",
    params:
        settings=settings_for("transcript"),
    threads: 1
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/transcript/{slug}.log",
    benchmark:
        "benchmarks/transcript/{slug}.tsv"
    script:
        "../scripts/transcript.py"
