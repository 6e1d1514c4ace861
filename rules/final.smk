rule final:
    input:
        clips=scene_files("results/{slug}/media/{scene}/clip.mp4"),
        soundtrack="results/{slug}/soundtrack.m4a",
        captions="results/{slug}/captions.srt",
    output:
        video="results/{slug}/final.mp4",
        provenance="results/{slug}/final.provenance.json",
    params:
        settings=settings_for("final"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/final/{slug}.log",
    benchmark:
        "benchmarks/final/{slug}.tsv"
    script:
        "../scripts/final.py"
