#!/bin/bash
# make check: every input of the fuzz corpus through the DNS decoders.
exec "${top_builddir:-.}/tests/fuzz/replay" "${top_srcdir:-.}/tests/fuzz/corpus"
