from asnbench.cli import main

main()
