from ccm_tui.entry import main

raise SystemExit(main())
