"""Publishing what the plugin inspected: apply and push tags, merge platforms, update the wiki.

The plugin's `--apply-tags` calls `apply_tags`; the console scripts in `cli` do the rest.
"""

from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.pushing import PushedTag, push_tags
from inspections.publishing.tagging import apply_tags

__all__ = ["PublishError", "PublishUsageError", "PushedTag", "apply_tags", "push_tags"]
