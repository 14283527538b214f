"""One BLAS thread for ``kintrace dvi``, unless the user asks for more (imported for its effect).

OpenBLAS starts a thread per core for a large matrix product; on two cores shared with other
work its threads wait for each other, and a product that takes 0.02 s on one thread took 0.17 to
0.26 s (wall and CPU, load 2-3). The DVI engine's large products (the incompatible-marker tables
of :mod:`kintrace.dvi.pairwise`) are many and short, where one thread is the fastest. The
variable is read once, when NumPy loads OpenBLAS, so this module is imported before any module
that imports NumPy; a value the user set is kept. One thread or several give the same numbers
(OpenBLAS splits a product by rows and columns of the result, never along the summed axis).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
