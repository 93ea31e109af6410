#!/usr/bin/env bash
# Builds libdsft_torch.so against the first libtorch found:
#   1. LIBTORCH (argument 2 = MSBuild property, else the environment variable): a libtorch root with include/ and lib/
#   2. a Debian/Ubuntu system install (libtorch-dev: /usr/include/torch + /usr/lib/<multiarch>/libtorch.so)
#   3. the torch package of the `python3` on PATH (pip/conda: <site-packages>/torch/{include,lib})
# Usage: build.sh <output dir> [libtorch root]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?output directory}"
libtorch="${2:-${LIBTORCH:-}}"
mkdir -p "$out"

fail() {
  # MSBuild's Exec turns "error CODE: text" lines into build errors.
  echo "error DSFT0001: $*" >&2
  exit 1
}

include_dirs=() lib_dir="" abi="" source=""
if [[ -n "$libtorch" ]]; then
  [[ -f "$libtorch/include/torch/csrc/api/include/torch/version.h" && -d "$libtorch/lib" ]] ||
    fail "LIBTORCH='$libtorch' is not a libtorch root (expected include/torch/csrc/api/include/torch/version.h and lib/). Point LIBTORCH at the unpacked libtorch folder or at <site-packages>/torch, or unset it."
  include_dirs=("$libtorch/include" "$libtorch/include/torch/csrc/api/include")
  lib_dir="$libtorch/lib"
  source="LIBTORCH"
  if grep -qs -- '-D_GLIBCXX_USE_CXX11_ABI=0' "$libtorch/share/cmake/Torch/TorchConfig.cmake"; then abi=0; fi
else
  multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
  if [[ -f /usr/include/torch/csrc/api/include/torch/version.h && -e "/usr/lib/$multiarch/libtorch.so" ]]; then
    include_dirs=(/usr/include/torch/csrc/api/include)
    lib_dir="/usr/lib/$multiarch"
    source="system"
  elif command -v python3 >/dev/null && torch_dir="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null)" &&
       [[ -f "$torch_dir/include/torch/csrc/api/include/torch/version.h" ]]; then
    include_dirs=("$torch_dir/include" "$torch_dir/include/torch/csrc/api/include")
    lib_dir="$torch_dir/lib"
    source="python:$torch_dir"
    abi="$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  else
    fail "no libtorch found. Install Debian's (sudo apt-get install -y libtorch-dev libopenblas0-openmp), or set LIBTORCH to a libtorch root (unpacked libtorch zip, or <site-packages>/torch of a pip install: pip install torch), or put a python3 with torch on PATH."
  fi
fi

cuda=0
[[ -e "$lib_dir/libtorch_cuda.so" ]] && cuda=1
version="$(sed -n 's/^#define TORCH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' \
  "$(for d in "${include_dirs[@]}"; do [[ -f "$d/torch/version.h" ]] && echo "$d/torch/version.h" && break; done)" | paste -sd.)"

cxxflags=(-std=c++17 -O2 -fPIC -fvisibility=hidden -Wall -Wno-unused-parameter -Wno-deprecated-declarations)
for d in "${include_dirs[@]}"; do cxxflags+=(-I"$d"); done
[[ -n "$abi" ]] && cxxflags+=(-D_GLIBCXX_USE_CXX11_ABI="$abi")
libs=(-L"$lib_dir" -Wl,-rpath,"$lib_dir" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10)
cuda_headers=0
if [[ $cuda == 1 ]]; then
  cxxflags+=(-DDSFT_WITH_CUDA)
  libs+=(-ltorch_cuda)
  [[ -e "$lib_dir/libc10_cuda.so" ]] && libs+=(-lc10_cuda)
  # c10's CUDA headers need the CUDA runtime headers: a toolkit, or pip's nvidia-cuda-runtime wheel.
  cuda_includes=()
  for d in "${CUDA_HOME:-/usr/local/cuda}/include" /usr/local/cuda/include "$lib_dir"/../../nvidia/*/include; do
    [[ -f "$d/cuda_runtime_api.h" ]] && cuda_includes+=(-I"$d")
  done
  if [[ ${#cuda_includes[@]} -gt 0 ]] &&
     echo '#include <c10/cuda/CUDACachingAllocator.h>' | g++ "${cxxflags[@]}" "${cuda_includes[@]}" -x c++ -fsyntax-only - 2>/dev/null; then
    cuda_headers=1
    cxxflags+=(-DDSFT_WITH_CUDA_HEADERS "${cuda_includes[@]}")
  fi
fi
info="libtorch=$lib_dir;source=$source;cxx11_abi=${abi:-1}"
# Generated header (rewritten only when it changes, so an unchanged libtorch rebuilds nothing).
header="$out/dsft_build_info.h"
printf '#define DSFT_BUILD_INFO "%s"\n' "$info" > "$header.tmp"
if cmp -s "$header.tmp" "$header"; then rm "$header.tmp"; else mv "$header.tmp" "$header"; fi
cxxflags+=(-I"$out")

make -s -C "$here" -f Makefile OUT="$out" CXXFLAGS="${cxxflags[*]}" LDLIBS="${libs[*]}" -j"${DSFT_NATIVE_JOBS:-2}"
printf 'torch=%s\ncuda=%s\ncuda_headers=%s\nlibtorch=%s\nsource=%s\ncxx11_abi=%s\n' \
  "$version" "$cuda" "$cuda_headers" "$lib_dir" "$source" "${abi:-1}" > "$out/libdsft_torch.buildinfo.txt"
echo "dsft_torch: built against libtorch $version (cuda=$cuda) from $source"
