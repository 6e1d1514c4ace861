"""The one package that drives ffmpeg, ffprobe and espeak-ng, split by concern:

    tools      finding, versioning and running the tools; every command and its stderr go to the log
    decoding   PCM audio in and out (WAV via Python's `wave`, any audio through ffmpeg), video frames
    encoding   a clip per scene, the soundtrack, the episode by stream copy, previews (exact lengths,
               reproducible: see its docstring)
    mastering  loudness to a target with a limiter; the podcast MP3 with its chapters
    probing    what a file holds (ffprobe)
    measuring  loudness (EBU R128) and silences

Stages say what they want (a clip of this picture lasting N frames; the episode from these
clips, this soundtrack and these captions; a podcast at -16 LUFS with these chapters); this
package knows how to get it from the tools. Callers write `from showrunner import media` and
`media.<name>`: every submodule's public names are here. New ffmpeg code goes in a new module.
"""

from __future__ import annotations

from showrunner.errors import MediaError, ToolMissing  # what the media functions raise
from showrunner.media.decoding import (
    Decoded,
    decode_audio,
    decode_file,
    decode_video,
    read_wav,
    resample,
    wav_length,
    write_wav,
)
from showrunner.media.encoding import (
    AAC_BITRATE,
    BITEXACT,
    COLOUR_TAGS,
    LANGUAGES,
    STILL_CHUNK_SECONDS,
    STILL_X264,
    ZOOM,
    encode_clip,
    encode_preview,
    encode_soundtrack,
    encode_stills,
    mux_episode,
    slideshow_floor,
)
from showrunner.media.mastering import (
    CODEC_SLACK_LU,
    RESIDUAL_AFTER_LIMIT_DB,
    Chapter,
    ffmetadata,
    master,
    master_podcast,
)
from showrunner.media.measuring import (
    LoudnessCurve,
    ebur128_summary,
    integrated_loudness,
    loudness,
    loudness_and_silences,
    loudness_curve,
    loudness_of,
    silences,
    silences_in,
)
from showrunner.media.probing import (
    duration_of,
    probe,
)
from showrunner.media.tools import (
    BASE,
    ESPEAK,
    FFMPEG,
    FFPROBE,
    INSTALL_HINT,
    LOG_LINES,
    espeak,
    ffmpeg,
    pcm_input,
    require,
    run,
    version,
    versions,
)

__all__ = [
    "MediaError",
    "ToolMissing",
    "ebur128_summary",
    "integrated_loudness",
    "AAC_BITRATE",
    "BASE",
    "BITEXACT",
    "CODEC_SLACK_LU",
    "COLOUR_TAGS",
    "Chapter",
    "Decoded",
    "ESPEAK",
    "FFMPEG",
    "FFPROBE",
    "INSTALL_HINT",
    "LANGUAGES",
    "LOG_LINES",
    "LoudnessCurve",
    "RESIDUAL_AFTER_LIMIT_DB",
    "STILL_CHUNK_SECONDS",
    "STILL_X264",
    "ZOOM",
    "decode_audio",
    "decode_file",
    "decode_video",
    "duration_of",
    "encode_clip",
    "encode_preview",
    "encode_soundtrack",
    "encode_stills",
    "espeak",
    "ffmetadata",
    "ffmpeg",
    "loudness",
    "loudness_and_silences",
    "loudness_curve",
    "loudness_of",
    "master",
    "master_podcast",
    "mux_episode",
    "pcm_input",
    "probe",
    "read_wav",
    "require",
    "resample",
    "run",
    "silences",
    "silences_in",
    "slideshow_floor",
    "version",
    "versions",
    "wav_length",
    "write_wav",
]
