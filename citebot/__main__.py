from citebot.cli.main import main

raise SystemExit(main())
