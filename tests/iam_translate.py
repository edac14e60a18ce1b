"""template.yaml through SAM's own translator (aws-sam-translator, the version of the SAM CLI in .venv-sam that
builds and deploys the stack): prints the translated template as JSON, for tests/iam_policy.py. With
``-``, the template to translate is read as JSON from the standard input (a test's variant of template.yaml).

Run by the SAM CLI's interpreter, not the tests': aws-sam-translator pins a pydantic the application's
requirements cannot share (docs/decisions.md « IAM proved against the code »). The local paths SAM CLI uploads
(CodeUri, ContentUri, DefinitionUri) are replaced by S3 locations first, as SAM CLI does before translating.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPLOADED = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from samtranslator.parser.parser import Parser  # type: ignore[import-not-found, unused-ignore]
    from samtranslator.translator.translator import Translator  # type: ignore[import-not-found, unused-ignore]

    from local_stack.template import load_template

    template = json.load(sys.stdin) if sys.argv[1:] == ["-"] else copy.deepcopy(load_template())
    for name, resource in template["Resources"].items():
        field = UPLOADED.get(resource["Type"])
        if field and isinstance(resource.get("Properties", {}).get(field), str):
            resource["Properties"][field] = f"s3://sam-cli-upload/{name}"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    translated = Translator(None, Parser()).translate(template, parameter_values={}, get_managed_policy_map=dict)
    json.dump(translated, sys.stdout)


if __name__ == "__main__":
    main()
