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
    # the longest single job once the voices are done (one core for the whole narration): started
    # before the clips, it runs beside their encodes instead of alone at the end, holding up acceptance
    priority: 1
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/transcript/{slug}.log",
    benchmark:
        "benchmarks/transcript/{slug}.tsv"
    script:
        "../scripts/transcript.py"
