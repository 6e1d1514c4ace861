# The whole narration (every scene's voice in order) and the music, shared by final and podcast.


rule narration:
    input:
        storyboard="results/{slug}/storyboard.json",
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
    output:
        narration="results/{slug}/narration.wav",
    params:
        settings=settings_for("narration"),
    # the audio joins need no clips: run them as soon as the voices are done, while clips encode
    priority: 1
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/narration/{slug}.log",
    benchmark:
        "benchmarks/narration/{slug}.tsv"
    script:
        "../scripts/narration.py"


rule music:
    input:
        bed=get_music_bed,
    output:
        bed="results/{slug}/music/bed.wav",
        intro="results/{slug}/music/intro.wav",
        outro="results/{slug}/music/outro.wav",
        provenance="results/{slug}/music/music.provenance.json",
    params:
        settings=settings_for("music"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/music/{slug}.log",
    benchmark:
        "benchmarks/music/{slug}.tsv"
    script:
        "../scripts/music.py"
