rule podcast:
    input:
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        storyboard="results/{slug}/storyboard.json",
        outline="results/{slug}/outline.json",
        bed="results/{slug}/music/bed.wav",
        intro="results/{slug}/music/intro.wav",
        outro="results/{slug}/music/outro.wav",
        show_notes="results/{slug}/show_notes.md",
    output:
        podcast="results/{slug}/podcast.mp3",
        provenance="results/{slug}/podcast.provenance.json",
    params:
        settings=settings_for("podcast"),
    # the audio joins need no clips: run them as soon as the voices are done, while clips encode
    priority: 3
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/podcast/{slug}.log",
    benchmark:
        "benchmarks/podcast/{slug}.tsv"
    script:
        "../scripts/podcast.py"
