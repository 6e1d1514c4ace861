# The report is always written (this rule succeeds once it has measured), so a failure never
# costs the report it points to; acceptance_verdict then fails when a hard check failed. The
# verdict also waits for the scene critic (scene_critic.json), whose score it reports.
rule acceptance:
    input:
        # final.mp4, captions.srt and the clips, and/or podcast.mp3: what the episode's outputs ask for
        unpack(get_acceptance_media),
        storyboard="results/{slug}/storyboard.json",
        outline="results/{slug}/outline.json",
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        voices=scene_files("results/{slug}/media/{scene}/voice.wav"),
        transcript="results/{slug}/transcript.json",
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


rule acceptance_verdict:
    input:
        json="results/{slug}/acceptance.json",
        markdown="results/{slug}/acceptance.md",
        review="results/{slug}/scene_critic.json",
    output:
        flag="results/{slug}/accepted.flag",
    params:
        settings=settings_for("acceptance_verdict"),
    localrule: True
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/acceptance_verdict/{slug}.log",
    script:
        "../scripts/acceptance_verdict.py"
