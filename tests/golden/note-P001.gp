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
0 1 6.086958858 8.536474735
1 2 5.60572359 7.29378718
2 3 5.324219004 6.56686156
3 4 5.124488322 6.051099624
4 5 4.969565169 5.651043587
5 6 4.842983736 5.324174004
6 7 4.735960659 5.04780971
7 8 4.643253054 4.808412069
8 9 4.56147915 4.597248384
9 10 4.488329901 4.408356032
10 11 4.422158355 4.237482114
11 12 4.361748468 4.081486449
12 13 4.306176758 3.937984348
13 14 4.254725391 3.805122154
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
0 1 5.314791092 3.394639233
1 2 4.879436696 2.914850648
2 3 4.624770701 2.634192317
3 4 4.444082301 2.435062063
4 5 4.30392949 2.280604638
5 6 4.189416306 2.154403732
6 7 4.092596788 2.047702387
7 8 4.008727906 1.955273478
8 9 3.93475031 1.873745402
9 10 3.868575095 1.800816053
10 11 3.808712332 1.734843432
11 12 3.754061911 1.674615147
12 13 3.703788397 1.619210497
13 14 3.657242393 1.567913802
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
