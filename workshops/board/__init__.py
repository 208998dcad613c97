"""The live board: pure rules, payload forms, the one change path (services), Socket.IO
handlers (events) and the broadcast after commit."""
