"""One parser per listing command, from that command's exact output to an Inventory.

Each parser names its command in a module constant, rejects output it cannot read with a
one-line InventoryError naming the command and what it expected, and skips no line that looks
like a package. Output is split at newlines only, and every name and version must fit its
ecosystem's grammar (`inventory.grammars`): a row is never split another way to make it fit.
"""
