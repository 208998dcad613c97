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
# docs/protocol.md, "Breakout groups": facilitator-only changes that write on the main
# board and on its groups' boards.
BREAKOUT_EVENTS = ("breakout:start", "breakout:end")
# Read-only requests: facilitator only, no `cid`, no `seq`, answered to the sender.
PROTOCOL_REQUESTS = ("cluster:suggest",)
PROTOCOL_NAMES = {
    "join",
    "leave",
    *PROTOCOL_EVENTS,
    *BREAKOUT_EVENTS,
    *PROTOCOL_REQUESTS,
}
