rule acceptance:
    input:
        video="results/{slug}/final.mp4",
        podcast="results/{slug}/podcast.mp3",
        srt="results/{slug}/captions.srt",
        storyboard="results/{slug}/storyboard.json",
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
