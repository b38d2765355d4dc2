"""From a prepared run to what the tool reports: an audit result, one case explained, the rule examples."""
