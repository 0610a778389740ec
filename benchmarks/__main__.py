import sys

from benchmarks.run import main

# guarded: the math checker's worker processes are spawned and re-import the main module
if __name__ == "__main__":
    sys.exit(main())
