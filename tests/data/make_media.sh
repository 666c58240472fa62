#!/usr/bin/env bash
# Regenerate the media fixtures in tests/data/media/.
#
# The outputs are committed, so tests and CI do NOT need any of these tools;
# this script only documents (and reproduces) how the fixtures were made.
#
# Needs (Debian 12 packages): ffmpeg, sox, festival + festvox-us-slt-hts
# (default voice), or espeak-ng when run with TTS=espeak.
#   apt-get install -y ffmpeg sox festival festvox-us-slt-hts espeak-ng
#
# Usage:  tests/data/make_media.sh            # festival, voice cmu_us_slt (what is committed)
#         TTS=espeak tests/data/make_media.sh # espeak-ng instead of festival
#
# Re-running gives files with the same formats, durations and content; bytes
# may differ slightly between ffmpeg/x264/libvpx versions.
#
# Every file is kept well under 300 KB.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/media"
TTS="${TTS:-festival}"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Quiet, reproducible ffmpeg: no banner, no encoder/version tags, no metadata.
FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
BITEXACT=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
# A still frame (dark blue) used as the picture of the "video" fixtures.
still() { echo "color=c=0x202840:s=${1:-160x90}:r=${2:-5}"; }

# ---------------------------------------------------------------------------
# 1. The sentence, spoken once, as a master WAV (44.1 kHz mono, 16-bit).
#    Chosen because tiny.en transcribes it word for word with both voices.
# ---------------------------------------------------------------------------
SENTENCE="Please remember to bring your own bags when you go shopping on Saturday."
printf '%s\n' "$SENTENCE" > "$OUT/speech.txt"

if [ "$TTS" = espeak ]; then
    espeak-ng -v en-us -s 160 -w "$TMP/raw.wav" "$SENTENCE"
else
    # Festival's HTS voice cmu_us_slt (same voice as samples/commentary.mp4); 32 kHz mono.
    printf '%s\n' "$SENTENCE" | text2wave -eval "(voice_cmu_us_slt_arctic_hts)" -o "$TMP/raw.wav"
fi
# -D: no dither, so the master is deterministic. norm -3: peak at -3 dBFS.
# The synthesizer's own leading/trailing silence (~0.2 s each) is kept.
sox -D "$TMP/raw.wav" -r 44100 -c 1 -b 16 "$TMP/master.wav" norm -3
# A 44.1 kHz stereo version (both channels identical) for the compressed formats.
sox -D "$TMP/master.wav" -c 2 "$TMP/master-st.wav"
# Its duration. Files with a still-frame video track are cut to exactly this
# with -t: "-shortest" alone lets an endless lavfi video source overrun by
# several seconds (ffmpeg 5.1).
DUR=$(soxi -D "$TMP/master.wav")

# ---------------------------------------------------------------------------
# 2. The same sentence in many containers / codecs (all decodable).
# ---------------------------------------------------------------------------
# speech.wav: 16-bit PCM stereo. NOTE: 16 kHz, not 44.1 kHz: a 4.4 s 44.1 kHz
# stereo WAV is ~770 KB, over the 300 KB fixture limit. The 44.1 kHz stereo case
# is covered by the flac/mp3/m4a/mkv files below.
"${FF[@]}" -i "$TMP/master-st.wav" "${BITEXACT[@]}" -c:a pcm_s16le -ar 16000 -ac 2 "$OUT/speech.wav"
# speech.mp3: MP3 (LAME) 64 kb/s, 44.1 kHz joint stereo.
"${FF[@]}" -i "$TMP/master-st.wav" "${BITEXACT[@]}" -c:a libmp3lame -b:a 64k "$OUT/speech.mp3"
# speech.m4a: AAC-LC 96 kb/s, 44.1 kHz stereo, in an MP4 (M4A) container.
"${FF[@]}" -i "$TMP/master-st.wav" "${BITEXACT[@]}" -c:a aac -b:a 96k -movflags +faststart "$OUT/speech.m4a"
# speech.ogg: Opus 32 kb/s in Ogg (Opus always decodes at 48 kHz), stereo.
"${FF[@]}" -i "$TMP/master-st.wav" "${BITEXACT[@]}" -c:a libopus -b:a 32k "$OUT/speech.ogg"
# speech.flac: FLAC, 44.1 kHz stereo, 16-bit.
"${FF[@]}" -i "$TMP/master-st.wav" "${BITEXACT[@]}" -c:a flac -compression_level 8 "$OUT/speech.flac"
# speech.webm: VP9 still frame (160x90, 5 fps) + Opus 32 kb/s, WebM.
"${FF[@]}" -f lavfi -i "$(still)" -i "$TMP/master-st.wav" -t "$DUR" "${BITEXACT[@]}" \
    -c:v libvpx-vp9 -b:v 0 -crf 50 -deadline good -cpu-used 4 -row-mt 0 -threads 1 -pix_fmt yuv420p \
    -c:a libopus -b:a 32k "$OUT/speech.webm"
# speech.mkv: Matroska, H.264 still frame + Vorbis (44.1 kHz stereo); video is stream 0.
"${FF[@]}" -f lavfi -i "$(still)" -i "$TMP/master-st.wav" -t "$DUR" "${BITEXACT[@]}" \
    -c:v libx264 -preset veryslow -tune stillimage -crf 35 -threads 1 -pix_fmt yuv420p \
    -c:a libvorbis -q:a 2 "$OUT/speech.mkv"
# speech.mov: QuickTime, H.264 still frame + uncompressed 16-bit PCM, 16 kHz mono
# (like camera footage, which usually carries PCM audio in a .mov).
"${FF[@]}" -f lavfi -i "$(still)" -i "$TMP/master.wav" -t "$DUR" "${BITEXACT[@]}" \
    -c:v libx264 -preset veryslow -tune stillimage -crf 35 -threads 1 -pix_fmt yuv420p \
    -c:a pcm_s16le -ar 16000 -ac 1 "$OUT/speech.mov"
# speech-8k.wav: telephone quality: band-limited 300-3400 Hz, 8 kHz mono, 16-bit PCM.
sox -D "$TMP/master.wav" -r 8000 -c 1 -b 16 "$OUT/speech-8k.wav" sinc 300-3400

# ---------------------------------------------------------------------------
# 3. No speech at all (for "must not hallucinate" tests).
# ---------------------------------------------------------------------------
# silence.wav: 5 s of digital silence (every sample 0), 16 kHz mono 16-bit.
sox -D -n -r 16000 -c 1 -b 16 "$OUT/silence.wav" trim 0 5
# music.wav: 5 s of synthetic music, 16 kHz mono 16-bit: four plucked chords
# (C, A minor, F, G; 1.25 s each) over a quiet sine bass. No voice.
i=0
for chord in "C3 E3 G3 C4" "A2 C3 E3 A3" "F2 A2 C3 F3" "G2 B2 D3 G3"; do
    set -- $chord
    sox -D -n -r 16000 -c 1 -b 16 "$TMP/ch$i.wav" synth 1.25 \
        pluck "$1" pluck "$2" pluck "$3" pluck "$4" sine "$1" \
        remix - fade 0.01 1.25 0.15
    i=$((i + 1))
done
sox -D "$TMP"/ch0.wav "$TMP"/ch1.wav "$TMP"/ch2.wav "$TMP"/ch3.wav "$OUT/music.wav" norm -6

# ---------------------------------------------------------------------------
# 4. Video without an audio stream.
# ---------------------------------------------------------------------------
# no-audio.mp4: 2 s H.264 test pattern, 160x90, 10 fps, no audio track at all.
"${FF[@]}" -f lavfi -i "testsrc=s=160x90:r=10:d=2" "${BITEXACT[@]}" \
    -c:v libx264 -preset veryslow -crf 35 -threads 1 -pix_fmt yuv420p -movflags +faststart "$OUT/no-audio.mp4"

# ---------------------------------------------------------------------------
# 5. Broken files.
# ---------------------------------------------------------------------------
# empty.mp4: zero bytes.
: > "$OUT/empty.mp4"
# text.mp4: a plain-text file with a video extension.
printf 'This is not a video.\nIt is a plain text file that happens to be named text.mp4.\n' > "$OUT/text.mp4"

# A valid mp4 (still + AAC speech) WITHOUT +faststart, so the moov atom (the
# index) is written at the END of the file, after the media data.
"${FF[@]}" -f lavfi -i "$(still)" -i "$TMP/master-st.wav" -t "$DUR" "${BITEXACT[@]}" \
    -c:v libx264 -preset veryslow -tune stillimage -crf 35 -threads 1 -pix_fmt yuv420p \
    -c:a aac -b:a 96k "$TMP/moov-at-end.mp4"
# truncated.mp4: its first 30%. The moov atom is gone, so nothing can be decoded:
# ffprobe/ffmpeg fail (exit 1) with "moov atom not found" / "Invalid data found
# when processing input"; so do empty.mp4 and text.mp4.
size=$(stat -c %s "$TMP/moov-at-end.mp4")
head -c $((size * 30 / 100)) "$TMP/moov-at-end.mp4" > "$OUT/truncated.mp4"

# truncated-tail.mp4: the same mp4 WITH +faststart (moov at the START), cut at 50%.
# The index survives, so ffprobe reports the full ~4.4 s duration, but only the
# first part of the media data is there. Observed with ffmpeg 5.1: it decodes
# about the first 2.0 s of audio ("Please remember to bring your own bag..."),
# logs "partial file" / "Invalid data found" errors and still exits with status 0.
# A robust reader must not trust the reported duration.
"${FF[@]}" -i "$TMP/moov-at-end.mp4" -c copy "${BITEXACT[@]}" -movflags +faststart "$TMP/faststart.mp4"
size=$(stat -c %s "$TMP/faststart.mp4")
head -c $((size * 50 / 100)) "$TMP/faststart.mp4" > "$OUT/truncated-tail.mp4"

# ---------------------------------------------------------------------------
# 6. Check: good files probe fine and have an audio stream (except no-audio.mp4);
#    broken files fail to probe.
# ---------------------------------------------------------------------------
cd "$OUT"
status=0
for f in speech.wav speech.mp3 speech.m4a speech.ogg speech.flac speech.webm speech.mkv \
         speech.mov speech-8k.wav silence.wav music.wav truncated-tail.mp4; do
    info=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels:format=duration \
           -of compact=p=0:nk=1 "$f" | tr '\n' ' ') || { echo "FAIL (should probe): $f"; status=1; continue; }
    [ -n "$info" ] || { echo "FAIL (no audio stream): $f"; status=1; continue; }
    printf 'ok   %-20s %s\n' "$f" "$info"
done
if [ -n "$(ffprobe -v error -select_streams a -show_entries stream=index -of csv=p=0 no-audio.mp4)" ]; then
    echo "FAIL (has audio): no-audio.mp4"; status=1
else
    printf 'ok   %-20s %s\n' no-audio.mp4 "video only"
fi
for f in empty.mp4 text.mp4 truncated.mp4; do
    if ffprobe -v error "$f" >/dev/null 2>&1; then echo "FAIL (should not probe): $f"; status=1
    else printf 'ok   %-20s %s\n' "$f" "fails to open, as intended"; fi
done
for f in *; do
    s=$(stat -c %s "$f"); [ "$s" -lt 300000 ] || { echo "FAIL (too big, $s bytes): $f"; status=1; }
done
exit $status
