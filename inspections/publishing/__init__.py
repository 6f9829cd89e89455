"""Publishing what the plugin inspected: apply and push tags, merge platforms, update the wiki.

Everything is read through the run record of a run folder (`run_folders`) and bound to the
image id it records; each console script is a `*_command` module, with what they share in
`command_line`.
"""

from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.tagging import apply_tags

__all__ = ["PublishError", "PublishUsageError", "PushedTag", "apply_tags", "push_tags"]
