"""Profiles in config.toml under the platformdirs config dir.

CONTRACT:
    ConnectionSettings(url, email=None, ca_bundle=None, insecure=False, read_only=False,
                       profile=None, connect_timeout=10.0, read_timeout=30.0)
    load_config(path=None) -> Config          # strict; raises ConfigError naming the key
    Config.profiles: dict[str, Profile]; Config.default_profile: str | None; Config.keymap: dict[str,str]
    resolve_settings(args_server, args_email, args_profile, args_ca_bundle, env) -> ConnectionSettings
    config_path() -> Path                     # resolved lazily, nothing created at import
"""
