rule brief:
    input:
        sources=get_sources,
    output:
        brief="results/{slug}/brief.json",
        provenance="results/{slug}/brief.provenance.json",
    params:
        settings=settings_for("brief"),
    conda:
        "../envs/showrunner.yaml"
    log:
        "logs/brief/{slug}.log",
    benchmark:
        "benchmarks/brief/{slug}.tsv"
    script:
        "../scripts/brief.py"
