# A checkpoint: the number of scenes is known only once it has run.
checkpoint storyboard:
    input:
        brief="results/{slug}/brief.json",
        research="results/{slug}/research.json",
        outline="results/{slug}/outline.json",
        script="results/{slug}/script.json",
        prompt="prompts/storyboard.j2",
    output:
        storyboard="results/{slug}/storyboard.json",
        scenes=directory("results/{slug}/scenes"),
        prompt="results/{slug}/storyboard.prompt.md",
        provenance="results/{slug}/storyboard.provenance.json",
    params:
        settings=settings_for("storyboard"),
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/storyboard/{slug}.log",
    benchmark:
        "benchmarks/storyboard/{slug}.tsv"
    script:
        "../scripts/storyboard.py"


# The scene critic: each scene (narration against its picture, length) and the scenes together
# (repeats, order, opening and close), scored with reasons. It reports; it does not stop the build.
rule scene_critic:
    input:
        brief="results/{slug}/brief.json",
        outline="results/{slug}/outline.json",
        storyboard="results/{slug}/storyboard.json",
        scenes="results/{slug}/scenes",
        prompt="prompts/scene_critic.j2",
    output:
        review="results/{slug}/scene_critic.json",
        prompt="results/{slug}/scene_critic.prompt.md",
        provenance="results/{slug}/scene_critic.provenance.json",
    params:
        settings=settings_for("scene_critic"),
    resources:
        model=1,
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/scene_critic/{slug}.log",
    benchmark:
        "benchmarks/scene_critic/{slug}.tsv"
    script:
        "../scripts/scene_critic.py"
