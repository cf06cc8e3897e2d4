"""The mail door: each published issue sent to the subscribers, and the team told when work
waits for them."""
