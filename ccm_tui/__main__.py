from ccm_tui.cli import main

raise SystemExit(main())
