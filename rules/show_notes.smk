# Show notes: what the episode covers, its chapters and the links its sources hold, for the
# podcast (its ID3 comment, read by rule podcast) and the video (description.txt).


rule show_notes:
    input:
        sources=get_sources,
        outline="results/{slug}/outline.json",
        storyboard="results/{slug}/storyboard.json",
        timings=scene_files("results/{slug}/media/{scene}/timings.json"),
        intro="results/{slug}/music/intro.wav",
        outro="results/{slug}/music/outro.wav",
    output:
        notes="results/{slug}/show_notes.md",
        description="results/{slug}/description.txt",
        provenance="results/{slug}/show_notes.provenance.json",
    params:
        settings=settings_for("show_notes"),
    # the podcast (priority 3) waits for it: a moment's work, done first, so the podcast starts as soon as it can
    priority: 3
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/show_notes/{slug}.log",
    benchmark:
        "benchmarks/show_notes/{slug}.tsv"
    script:
        "../scripts/show_notes.py"
