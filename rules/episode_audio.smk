# The episode's audio: the music, and the soundtrack of final.mp4 (every scene's voice in order
# over the ducked bed, mastered and encoded once as AAC). The soundtrack needs no clips: it runs
# as soon as the voices are done, while the clips encode.


rule soundtrack:
    input:
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        bed="results/{slug}/music/bed.wav",
    output:
        soundtrack="results/{slug}/soundtrack.m4a",
        provenance="results/{slug}/soundtrack.provenance.json",
    params:
        settings=settings_for("soundtrack"),
    priority: 1
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/soundtrack/{slug}.log",
    benchmark:
        "benchmarks/soundtrack/{slug}.tsv"
    script:
        "../scripts/soundtrack.py"


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
