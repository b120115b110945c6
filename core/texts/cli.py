"""Every sentence the `itabot` command prints (stdout and stderr)."""
