"""PROTOCOL.md's event names, written out once for the board tests (on purpose not
taken from the code under test)."""

# "Client → server events": the mutating events (all but join/leave).
PROTOCOL_EVENTS = (
    "card:create",
    "card:update",
    "card:delete",
    "card:move",
    "comment:add",
    "vote:cast",
    "vote:retract",
    "commitment:create",
    "commitment:update",
    "commitment:sign",
    "board:phase",
    "board:lock",
    "board:timer",
    "card:hide",
    "card:merge",
    "participant:remove",
    "vote:settings",
    "vote:reveal",
    "board:spotlight",
)
PROTOCOL_NAMES = {"join", "leave", *PROTOCOL_EVENTS}
