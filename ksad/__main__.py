from ksad.cli import main

main()
