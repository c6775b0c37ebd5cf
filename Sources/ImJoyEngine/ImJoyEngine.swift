// ImJoyEngine: execution, plugin hosts, cache and provenance. Filled by later issues.
