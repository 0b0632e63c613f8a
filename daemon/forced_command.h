#pragma once

namespace replwatch {

/// `replwatch forced-command`, for a node's authorized_keys:
///   command="/usr/bin/replwatch forced-command",restrict ssh-ed25519 AAAA...
/// Runs $SSH_ORIGINAL_COMMAND only if it is exactly a replwatch shell line
/// of an allow-listed read-only command (transport/command_allowlist.cc),
/// executed directly (no shell) with LC_ALL=C under coreutils timeout.
/// Anything else is refused with exit 126, so a stolen replwatch key cannot
/// change a hypervisor. Returns only on refusal or exec failure.
int RunForcedCommand();

}  // namespace replwatch
