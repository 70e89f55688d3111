# stub
language-name = fr
