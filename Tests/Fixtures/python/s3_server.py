"""moto's S3 server on a free local port, with a bucket filled from a folder, for imjoy-run's
remote-input tests:

    python3 s3_server.py BUCKET FOLDER

Creates BUCKET and uploads every file under FOLDER with its relative path as key, then prints the
port (127.0.0.1) on the first line of stdout and serves until killed. Any credentials are accepted
(moto checks the signature's form, not the keys).
"""

import os
import socket
import sys
import time

import boto3
from moto.server import ThreadedMotoServer


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    bucket, folder = sys.argv[1], sys.argv[2]
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    client = boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=bucket)
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            client.upload_file(path, bucket, os.path.relpath(path, folder))
    print(port, flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
