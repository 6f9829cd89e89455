"""Publishing what the plugin inspected: apply and push tags, merge platforms, update the wiki.

Everything is read through the run record of a run folder (`run_folders`) and bound to the
image id it records; each console script is a `*_command` module, with what they share in
`command_line`.
"""
