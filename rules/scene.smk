# Per scene: its beats' stills, a voice track with measured segment timings, and a video-only clip
# that shows each still from the moment the narration reaches it.


rule scene_image:
    input:
        scene="results/{slug}/scenes/{scene}.json",
        figures=get_scene_figures,
    output:
        image="results/{slug}/media/{scene}/image.png",
        beats=directory("results/{slug}/media/{scene}/beats"),
        provenance="results/{slug}/media/{scene}/image.provenance.json",
    params:
        settings=settings_for("scene_image"),
    priority: 2
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/scene_image/{slug}/{scene}.log",
    benchmark:
        "benchmarks/scene_image/{slug}/{scene}.tsv"
    script:
        "../scripts/scene_image.py"


rule scene_voice:
    input:
        # the narration only, whose digest is in the params (SCENE_READS): an edited beat keeps the voice
        scene=ancient("results/{slug}/scenes/{scene}.json"),
    output:
        voice="results/{slug}/media/{scene}/voice.wav",
        timings="results/{slug}/media/{scene}/timings.json",
        provenance="results/{slug}/media/{scene}/voice.provenance.json",
    params:
        settings=settings_for("scene_voice"),
    # the model stages first: a voice unblocks the soundtrack and the podcast, a picture its clip
    priority: 2
    resources:
        model=get_voice_lanes,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/scene_voice/{slug}/{scene}.log",
    benchmark:
        "benchmarks/scene_voice/{slug}/{scene}.tsv"
    script:
        "../scripts/scene_voice.py"


rule scene_clip:
    input:
        scene="results/{slug}/scenes/{scene}.json",
        beats="results/{slug}/media/{scene}/beats",
        timings="results/{slug}/media/{scene}/timings.json",
    output:
        clip="results/{slug}/media/{scene}/clip.mp4",
        provenance="results/{slug}/media/{scene}/clip.provenance.json",
    params:
        settings=settings_for("scene_clip"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/scene_clip/{slug}/{scene}.log",
    benchmark:
        "benchmarks/scene_clip/{slug}/{scene}.tsv"
    script:
        "../scripts/scene_clip.py"
