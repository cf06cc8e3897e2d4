"""What tests share: factories, servers, browser helpers, routes, the htmx client."""
