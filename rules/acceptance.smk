rule acceptance:
    input:
        # final.mp4, captions.srt and the clips, and/or podcast.mp3: what the episode's outputs ask for
        unpack(get_acceptance_media),
        storyboard="results/{slug}/storyboard.json",
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
    output:
        json="results/{slug}/acceptance.json",
        markdown="results/{slug}/acceptance.md",
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
