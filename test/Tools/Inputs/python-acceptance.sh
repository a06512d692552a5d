#!/bin/sh
# Issue #18's acceptance line for the Python module, verbatim, against an
# installed prefix: python-acceptance.sh PREFIX SOURCE WORKDIR.  WORKDIR
# gets the checkout's examples/ and targets/ (the line's relative paths).
set -eu
mkdir -p "$3"
cd "$3"
ln -sfn "$2/examples" examples
ln -sfn "$2/targets" targets
export PYTHONPATH="$1/lib/python3/dist-packages"
/usr/bin/python3 -c "import nncc; r = nncc.compile('examples/lenet5.onnx', target='targets/default.yaml', out='o'); print(r.ppa.tops_per_watt)"
# The module that ran is the installed one, which finds the prefix's
# bundled targets.
/usr/bin/python3 -c "import nncc; print(nncc.__file__); print(nncc.load_target('default').path)"
