# stub
language-name = en
