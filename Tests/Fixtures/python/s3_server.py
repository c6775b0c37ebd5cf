"""moto's S3 server on a free local port, with a bucket filled from a folder, for imjoy-run's
remote-input tests:

    python3 s3_server.py BUCKET FOLDER

Creates BUCKET and uploads every file under FOLDER with its relative path as key, then prints
"PORT ACCESS_KEY_ID SECRET_ACCESS_KEY" on the first line of stdout and serves until killed. From then
on moto authenticates every request (INITIAL_NO_AUTH_ACTION_COUNT): only requests signed (SigV4)
with that IAM user's key are answered, anything else gets 403.
"""

import os
import socket
import sys
import time

BUCKET, FOLDER = sys.argv[1], sys.argv[2]
FILES = [os.path.join(base, name) for base, _, names in os.walk(FOLDER) for name in names]
# The setup below (IAM user, key, policy, bucket, one PutObject per file) runs unauthenticated;
# every later request must be signed with the user's key. Read by moto when it is imported.
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(4 + len(FILES))

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    common = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **common)
    iam.create_user(UserName="reader")
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
    iam.put_user_policy(UserName="reader", PolicyName="all", PolicyDocument=policy)
    client = boto3.client("s3", **common)
    client.create_bucket(Bucket=BUCKET)
    for path in FILES:
        with open(path, "rb") as f:
            client.put_object(Bucket=BUCKET, Key=os.path.relpath(path, FOLDER), Body=f.read())
    print(port, key["AccessKeyId"], key["SecretAccessKey"], flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
