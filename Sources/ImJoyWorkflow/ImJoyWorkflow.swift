// ImJoyWorkflow: workflow files, the DAG and planning. Filled by the workflow issue.
