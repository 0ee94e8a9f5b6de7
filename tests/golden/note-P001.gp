reset
set terminal svg size 900,680 dynamic font 'Sans,11' background '#ffffff'
set termoption noenhanced
set encoding utf8
set output 'gp/P001/course.svg.tmp.TOKEN'
set grid lc rgb '#cccccc'
set key top right box opaque
set multiplot layout 2,2 title 'Course P001-C1: scores by session (0-10, lower is better)' noenhanced font 'Sans,13'
$M0 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5.5
6 7 5
7 8 5
8 9 4.5
9 10 4.5
10 11 4
11 12 4
12 13 3.5
13 14 3.5
EOD
$E0 << EOD
0 1 6.08695886 8.536474705
1 2 5.60572359 7.29378716
2 3 5.324219003 6.566861546
3 4 5.12448832 6.051099615
4 5 4.969565166 5.651043581
5 6 4.842983733 5.324174001
6 7 4.735960656 5.047809709
7 8 4.64325305 4.80841207
8 9 4.561479146 4.597248387
9 10 4.488329896 4.408356036
10 11 4.422158351 4.237482119
11 12 4.361748463 4.081486456
12 13 4.306176753 3.937984356
13 14 4.254725386 3.805122163
EOD
set title 'fatigue' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M0 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.756813371 + (8.068933532 - 1.756813371) * exp(-(x - 1) / 9.972219774) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E0 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E0 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M1 << EOD
0 1 7.5
1 2 7
2 3 7
3 4 6
4 5 6
5 6 5.5
6 7 5
7 8 4.5
8 9 4.5
9 10 4
10 11 4
11 12 3.5
12 13 3.5
13 14 3.5
EOD
$E1 << EOD
0 1 5.893746144 8.111327649
1 2 5.404822568 6.950069224
2 3 5.118820611 6.270776591
3 4 4.915898993 5.788810798
4 5 4.758500758 5.414969086
5 6 4.629897035 5.109518166
6 7 4.521164138 4.851263093
7 8 4.426975417 4.627552373
8 9 4.343895078 4.430225533
9 10 4.269577182 4.25371066
10 11 4.202348468 4.094033535
11 12 4.14097346 3.94825974
12 13 4.084513926 3.814160848
13 14 4.032240562 3.690004667
EOD
set title 'sleep' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 5.5 to graph 1, first 7.5 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M1 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.057887745 + (7.630581563 - 1.057887745) * exp(-(x - 1) / 12.0413552) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E1 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E1 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M2 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5
6 7 5
7 8 4.5
8 9 4
9 10 4
10 11 3.5
11 12 3.5
12 13 3
13 14 3
EOD
$E2 << EOD
0 1 5.570605437 8.67343187
1 2 5.102067604 7.266715286
2 3 4.827990541 6.443838835
3 4 4.633529771 5.859998702
4 5 4.482694279 5.407137112
5 6 4.359452708 5.037122251
6 7 4.255253445 4.724279144
7 8 4.164991937 4.453282118
8 9 4.085375645 4.2142458
9 10 4.014156445 4.000420528
10 11 3.949730842 3.80699204
11 12 3.890914875 3.630405667
12 13 3.83680943 3.46796195
13 14 3.786715612 3.317562559
EOD
set title 'focus' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M2 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.7368818154 + (8.154484933 - 0.7368818154) * exp(-(x - 1) / 10.52003158) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E2 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E2 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M3 << EOD
0 1 3
1 2 3
2 3 3
3 4 2.5
4 5 2.5
5 6 2
6 7 2
7 8 2
8 9 2
9 10 2
10 11 1.5
11 12 1.5
12 13 1.5
13 14 1.5
EOD
$E3 << EOD
0 1 5.314791087 3.394639235
1 2 4.879436697 2.914850647
2 3 4.624770704 2.634192315
3 4 4.444082307 2.43506206
4 5 4.303929497 2.280604634
5 6 4.189416314 2.154403728
6 7 4.092596797 2.047702382
7 8 4.008727916 1.955273472
8 9 3.934750321 1.873745396
9 10 3.868575107 1.800816046
10 11 3.808712344 1.734843425
11 12 3.754061923 1.67461514
12 13 3.70378841 1.619210489
13 14 3.657242406 1.567913794
EOD
set title 'pain' noenhanced
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 1 to graph 1, first 3 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M3 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.5962417388 + (3.14409373 - 0.5962417388) * exp(-(x - 1) / 11.63947732) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E3 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E3 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
unset multiplot
set output
