"""`python -m bot.ops.rasa_server run ...`: Rasa's own command line, without a library it never uses.

TensorFlow 2.12 imports jax whenever jax is installed (its TFLite converter uses it if it can), and TensorFlow's
package requires jax, so it is installed. Nothing Rasa does here converts a model to TFLite: jax only cost the Rasa
server about 64 MB and 0.4 s at every start (docs/performance.md). Here an import of jax fails, which TensorFlow
expects and handles, and everything else is `rasa` exactly: the same arguments, the same exit code.
"""

from __future__ import annotations

import sys

# Installed (TensorFlow's package requires them) but never used by the Rasa server.
UNUSED_LIBRARIES = ("jax",)


def keep_unused_libraries_out() -> None:
    """Makes `import jax` fail in this process (None in sys.modules), unless it is already imported."""
    for name in UNUSED_LIBRARIES:
        sys.modules.setdefault(name, None)


def main() -> int | None:
    keep_unused_libraries_out()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
