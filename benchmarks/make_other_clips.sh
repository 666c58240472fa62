#!/usr/bin/env bash
# Clips the long-form benchmark has never met: twelve sentences written for it in synthetic voices
# (flite, espeak-ng with its whisper and croak variants, Festival), and twelve of the eval
# recordings changed by sox (tempo, pitch, telephone band, reverb). For
#   python benchmarks/bench_longform.py --data OUT --seeds 1-12
# Usage: benchmarks/make_other_clips.sh OUT   (needs flite, espeak-ng, festival + festvox-kallpc16k
# + festvox-us-slt-hts, sox, ffmpeg; Debian packages of those names)
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT   (the folder to write OUT/real-en into)" >&2
  exit 2
fi
for tool in flite espeak-ng text2wave sox ffmpeg; do
  command -v "$tool" >/dev/null || {
    echo "$0: $tool not found: apt install flite espeak-ng festival festvox-kallpc16k festvox-us-slt-hts sox ffmpeg" >&2
    exit 1
  }
done
OUT=$1
HERE=$(cd "$(dirname "$0")/.." && pwd)
R=$HERE/tests/data/eval/real-en; D=$HERE/tests/data/eval/disfluent-en
o=$OUT/real-en
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$o" "$OUT/disfluent-en"
say() { # name engine voice text [soxfx...]
  n=$1; e=$2; v=$3; t=$4; shift 4
  echo "$t" > "$o/$n.txt"
  case $e in
    flite) flite -voice $v -t "$t" -o "$tmp/raw.wav" ;;
    espeak) espeak-ng -v ${v%%:*} -s ${v##*:} -w "$tmp/raw.wav" "$t" ;;
    fest) echo "$t" | text2wave -eval "(voice_$v)" -o "$tmp/raw.wav" ;;
  esac
  sox -D -R "$tmp/raw.wav" -r 16000 -c 1 "$o/$n.wav" "$@"
}
say t01 flite awb "The council met again on Tuesday evening, and for the third week running nobody could agree on the budget."
say t02 flite rms "Prices at the pump rose by eleven cents."
say t03 espeak "en-us+whisper:150" "I was told, quietly, that the report would never be published."
say t04 espeak "en+f4:190" "Ferries between the islands were cancelled after the storm warning, leaving hundreds of travellers stranded in the harbour town overnight."
say t05 espeak "en-gb+m3:215" "Let me be clear about one thing. This is not the end of the story."
say t06 espeak "en+croak:120" "We will be back after a short break."
say t07 fest kal_diphone "Farmers in the valley say the harvest came two weeks early this year."
say t08 fest cmu_us_slt_arctic_hts "Nobody in the room expected the minister to resign on live television, but that is exactly what happened." pitch -200
say t09 flite slt "Thank you for listening, and see you next week." lowpass 3400 highpass 300
say t10 flite kal16 "The river has flooded twice since March, and the town has still not rebuilt the bridge." tempo 1.15
say t11 espeak "en-us+m1:170" "Is that really what the voters wanted? I doubt it." reverb 40
say t12 flite awb "Three hundred jobs, one factory, and a decision that was made somewhere else entirely." pitch 150 tempo 0.9
x() { n=$1; src=$2; shift 2; cp ${src%.*}.txt $o/$n.txt; sox -D -R "$src" -r 16000 -c 1 "$o/$n.wav" "$@"; }
x r01 $R/jfk.flac tempo 1.2
ffmpeg -loglevel error -y -i "$R/lucier.mp3" -ar 16000 -ac 1 "$tmp/lucier.wav"; cp "$R/lucier.txt" "$tmp/lucier.txt"; x r02 "$tmp/lucier.wav" lowpass 3400 highpass 300
x r03 $R/LJ002-0020.wav reverb 60
x r04 $R/OSR_us_000_0034_8k.wav tempo 0.85 pitch 200
x r05 $R/2412-153948-0000.flac speed 1.1
x r06 $R/ES2011a.Headset-0-40s-46s.wav lowpass 2500
x r07 $R/sense_and_sensibility_01_austen_64kb-0870.wav tempo 1.15 reverb 30
x r08 $D/mfa_breathy.flac pitch -300
x r09 $D/mfa_creaky.flac tempo 1.1 highpass 400
x r10 $D/falsetto.flac lowpass 3000
x r11 $D/mfa_er.flac reverb 50
x r12 $D/mfa_internalsil.flac tempo 0.9
