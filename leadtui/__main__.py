from leadtui.cli import main

main()
