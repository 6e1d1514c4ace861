"""What `snakemake --report report.html` shows of each episode, made from the episode's files.

- `pages`: small self-contained HTML pages (outline, script with the critic's scores,
  acceptance, cost, and players that embed final.mp4 / podcast.mp3 so they play in the report);
- `contact_sheet`: the storyboard as one PNG grid of the scene pictures, numbered;
- `loudness`: a plot of a file's loudness over time (EBU R128 momentary and short-term).

Snakemake's report shows HTML in an iframe and offers audio and video only as downloads, so
the players are HTML pages with the media inline as data URIs: the report stays one file.
"""
