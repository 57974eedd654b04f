from dsat.cli import main

main()
